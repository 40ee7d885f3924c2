// Relative asset paths; everything else is vite's default production build.
export default { base: './' };
